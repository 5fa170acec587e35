//! ferrodis-net: the mio shell (to be written).
