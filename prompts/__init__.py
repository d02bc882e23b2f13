"""Prompt templates, shipped inside the wheel as drafter.prompts_data."""
