"""The recommender service: learning catalogue, skills taxonomy, matcher and the plan-feed follower."""
