"""Conversations: interactions (tickets, emails, chats, calls) and their ordered messages."""
