//! Figures (added with the browser app).
