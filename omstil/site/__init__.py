"""What spans the installation: the front page, the demo, the worker and the daily tick."""
