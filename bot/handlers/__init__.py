"""Own the bot's handlers, one module per concern: commands, buttons, conversation, errors."""
