// Package web serves tokensim's player to a browser (tokensim web): the
// same root model (tui.New) as an SSH session of package workshop, in a
// tea.Program per visitor whose terminal is a charmbracelet/x/vt Emulator
// on the server. The page (page/, embedded) draws the emulator's cells as
// DOM from "frame" messages on one WebSocket per visitor and sends back
// the bytes a terminal would send ("key", "paste") and its size
// ("resize"). The frame protocol is in protocol.go.
//
// Arrows: cmd → web → workshop → tui. A web visitor joins the same
// workshop.Room an SSH server holds (Config.Room) as a workshop.Who:
//
//   - User is "web-N", N counting this server's visitors from 1: the room
//     counts quiz answers per User, so two browsers must not share one.
//     (With a room password and a cookie, the next step, User becomes
//     the name the visitor gives, as an SSH user name is.)
//   - Credential is "" in an open room, as for SSH; with a room password
//     it will be "web password", never the secret, so that a web visitor
//     never gets an SSH user's kept world (workshop.Who's rule: same User
//     and same Credential).
//   - Instructor is false until an instructor password is entered in the
//     page (next step).
//
// Each visitor's program is built as workshop.Server.handle builds it:
// Room is the member, NoExport (a file written on the server is not the
// visitor's) and NoCommandHints (the visitor has no tokensim binary), and
// progress kept in memory for the session. The program's terminal
// queries (background colour, mode reports) are answered by the emulator,
// as a real terminal answers them.
package web
