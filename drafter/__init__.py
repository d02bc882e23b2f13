"""imr-drafter: drafts IMR Final Determination Letters for the clinical reviewers who sign them."""

__version__ = "0.1.0"
