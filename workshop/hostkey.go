package workshop

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// DefaultHostKeyPath is where the host key lives unless --host-key says
// otherwise: the user's configuration directory, so that a restarted
// server keeps its identity and attendees' ssh clients do not warn that
// the host key changed (RFC 4251 §4.1: the client checks the server's key
// on every connection).
func DefaultHostKeyPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding a directory for the host key: %w", err)
	}
	return filepath.Join(dir, "tokensim", "ssh_host_ed25519_key"), nil
}

// ErrHostKeyFile is wrapped by HostKey's errors about the file itself (it
// cannot be read, parsed, or written where it is): the path given is bad
// input, not a failure of the server.
var ErrHostKeyFile = errors.New("host key file")

// HostKey loads the host key at path, or, when there is no file there,
// generates an ed25519 key and writes it as an OpenSSH PEM file readable
// by the owner only. created reports that the key is new.
func HostKey(path string) (signer gossh.Signer, created bool, err error) {
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		signer, err := gossh.ParsePrivateKey(data)
		if err != nil {
			return nil, false, fmt.Errorf("%w %s: not a private key: %w", ErrHostKeyFile, path, err)
		}
		return signer, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, false, fmt.Errorf("%w %s: %w", ErrHostKeyFile, path, err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("generating the host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "tokensim ssh host key")
	if err != nil {
		return nil, false, fmt.Errorf("encoding the host key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("%w %s: making its directory: %w", ErrHostKeyFile, path, err)
	}
	// O_EXCL: two servers started at once must not overwrite each other's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("%w %s: cannot write a new key there: %w", ErrHostKeyFile, path, err)
	}
	if err := pem.Encode(f, block); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("%w %s: writing: %w", ErrHostKeyFile, path, err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("%w %s: writing: %w", ErrHostKeyFile, path, err)
	}
	signer, err = gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	return signer, true, nil
}

// Fingerprint is the host key's SHA256 fingerprint, as ssh prints it
// when it asks the attendee to trust the host.
func Fingerprint(s gossh.Signer) string { return gossh.FingerprintSHA256(s.PublicKey()) }
