"""RoleCall's content layer: the moderators' YAML, its validation, and search over it.

Nothing here knows about Slack or Discord.
"""
