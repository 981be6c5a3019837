//! A hostile HTTP registry for the registry client tests (wrong digests, stalls, redirects, oversized bodies).
