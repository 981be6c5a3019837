//! `berth build`: a Dockerfile turned into an image in-process (docs/architecture.md, "build").
//! The frontend (`ast`, parsing, substitution, .dockerignore, the context) is pure; the executor runs
//! the steps through the same launch path as `run` and commits layers through `store`.

pub mod ast;
pub mod context;
pub mod dockerfile;
pub mod ignore;
pub mod mirror;
pub mod subst;
