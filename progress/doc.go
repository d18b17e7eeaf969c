// Package progress remembers a learner's way through the course: for each
// lesson the step they were at, the quiz answers they gave, whether they
// finished it and their quiz score. A Store holds the records; the player
// loads one lesson's record when it opens the lesson and saves it after
// every step. File keeps them in a versioned JSON file in the platform's
// state directory, written atomically; Memory keeps them for the life of a
// process (one per SSH user in a workshop, where nothing is written on the
// server).
//
// The package imports scenarios (for the course's order, Path) and
// nothing else of tokensim; tui and cmd/tokensim use it.
package progress
