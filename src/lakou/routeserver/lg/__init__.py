"""Looking glass: BIRD's control socket spoken directly, routes decoded with their reasons."""
