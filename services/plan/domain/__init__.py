"""The plan domain: the DevelopmentPlan and Person aggregates, their events and rules."""
