//! `coursebook serve [DIR] [-p PORT] [-n HOST] [--open]`: see the `serve` module.

pub use crate::serve::{Options, run};
