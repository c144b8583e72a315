"""Own the feature builder: technical, regime, derivatives and flow features for the universe."""
