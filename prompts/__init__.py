"""Prompt templates of the LLM backend (shipped as `drafter.prompts_data`; see drafter/prompts.py)."""
