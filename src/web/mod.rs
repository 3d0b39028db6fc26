//! The browser layer.
