"""The self-assessment's pages: the manager's journey (`returns`) and the
review (`review`)."""
