"""Own the tagger evaluation: labelled datasets, the stance-head trainer, the scorer and runner."""
