"""The app half (Django): accounts, clues, casework, referrals, reports, web, api."""
