"""What the referral flow does; views, the API and the command line call these, never the models' fields."""
