"""JSON Schemas of the artifacts, shipped inside the wheel as drafter.schemas_data."""
