"""Self-checks for the exercises: each says what is right, or what is wrong and why."""
