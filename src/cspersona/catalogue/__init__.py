"""The product catalogue: what the vendor sells, so text and usage can be tied to it."""
