pub mod mirror;
pub mod pool;
pub mod segments;
