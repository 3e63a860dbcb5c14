"""The project's database backends (settings select them through ENGINE)."""
