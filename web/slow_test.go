package web

import (
	"bufio"
	"net"
	"net/http"
	"testing"
	"time"
)

// A login whose body trickles in is answered when loginReadWait is over,
// not held for as long as the sender likes (slowloris on the form).
func TestSlowLoginBodyCutOff(t *testing.T) {
	ctx := testCtx(t)
	_, s, hs := doorServer(t, passwordRoom(), false)
	s.loginReadWait = 50 * time.Millisecond
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", hs.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	_, err = conn.Write([]byte("POST /login HTTP/1.1\r\nHost: " + hs.Listener.Addr().String() +
		"\r\nOrigin: " + hs.URL + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=a"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a login whose body never came: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a login whose body never came: %s, want 400", resp.Status)
	}
}
