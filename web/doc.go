// Package web serves tokensim's player to a browser (tokensim web): the
// same root model (tui.New) as an SSH session of package workshop, in a
// tea.Program per visitor whose terminal is a charmbracelet/x/vt Emulator
// on the server. The page (page/, embedded) draws the emulator's cells as
// DOM from "frame" messages on one WebSocket per visitor and sends back
// the bytes a terminal would send ("key", "paste") and its size
// ("resize"). The frame protocol is in protocol.go.
//
// Arrows: cmd → web → workshop → tui. The player runs through a
// workshop.Door (Config.Door): an SSH server's (workshop.Server.Door), so
// that web and SSH attendees share one room, one MaxSessions, one
// MaxPerAddr and one lockout, or workshop.NewDoor's for a room of its own.
// The door runs the session as an SSH session is run (the same slots,
// kept worlds, progress, idle and maximum-duration timers, shutdown, log
// lines); this package is the transport: the page, the socket, the login
// form and the session cookie. A visitor is a workshop.Who:
//
//   - in an open room, without logging in: User "web-N", N counting this
//     server's browsers from 1, given once per session cookie (the page's
//     load sets a signed token, which the server stores only when a
//     socket brings it), so that a reconnect is the same Who and gets its
//     world back; Credential "web", a name no SSH login produces, so a
//     web-N never gets an SSH user's world. The cookie is one browser's:
//     a second socket with it takes the first one's place, as the same
//     SSH key does (workshop/takeover.go).
//   - after /login: whatever workshop.Door.Login returns, by the SSH
//     password rule: the name given, Credential "password" (the same
//     name and password finds its world from either door), Instructor
//     for the name "instructor" with the instructor's password.
//
// When the room needs a password, GET / without a valid session answers
// 303 to /login and the WebSocket upgrade is refused with 401; a socket
// from another site's page is refused with 403 (coder/websocket's Origin
// check), and so is a login posted from one (net/http's
// CrossOriginProtection). On a loopback address (Config.Addr), a request
// whose Host names another server is refused with 421 (DNS rebinding).
// A socket counts against the room's pending limits until its player
// starts (workshop.Door.Pending), as an SSH connection until it logs in.
//
// The program's terminal queries (background colour, mode reports) are
// answered by the emulator, as a real terminal answers them.
package web
