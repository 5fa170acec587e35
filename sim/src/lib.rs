//! ferrodis-sim: the simulator (to be written).
