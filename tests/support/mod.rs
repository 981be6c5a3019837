//! The test world: a temp store per test, Debian's docker-registry on 127.0.0.1, fixture images, the rootless user.
#![allow(dead_code)]

pub mod hostile;
