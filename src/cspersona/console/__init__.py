"""What every command needs: output, progress bars, the database, option parsing, errors."""
