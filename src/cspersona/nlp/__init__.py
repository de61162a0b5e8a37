"""Message-level NLP: sentiment, emotions, entities, topics, language and sophistication."""
