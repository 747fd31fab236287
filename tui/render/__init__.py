"""Pure renderers: profile (+ resolved NICs) → documents. No I/O here."""
