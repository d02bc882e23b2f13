"""guidelines stage."""
