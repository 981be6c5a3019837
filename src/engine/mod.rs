//! engine: see ARCHITECTURE.md (module map). Filled in by the work on the issues.

pub mod network;
