// Package serve is `tokensim serve`: the simulator's authorization server
// and API over real HTTP, for real clients (curl, OAuth libraries, a
// workshop's laptops). It is built on top of package sim: it makes a world
// with sim.Config.Hosting (one origin, a running clock, fresh keys) and
// records every request with World.Record, so the live log, the JSON lines
// and the player read real traffic exactly as they read a lesson. sim knows
// nothing of it.
//
// Beside the world's own endpoints it adds a callback page for curl
// walk-throughs, an index at /, and loopback-only clock endpoints; the
// banner and guide say what a workshop needs to start.
package serve
