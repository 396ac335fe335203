"""Pure feed rendering: (feed description, articles) -> bytes. No I/O, no clock."""
