"""The RoleCall process: settings, the command line, and the adapters that connect handlers to platforms."""
