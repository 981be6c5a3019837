//! Integration tests: images.
