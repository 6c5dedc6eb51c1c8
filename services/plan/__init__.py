"""The plan service: event-sourced development plans, the org directory and the plan feed."""
