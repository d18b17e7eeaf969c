package progress

// Store is what the player needs of progress: one lesson's record, loaded
// when the lesson opens and saved after every step. File and Memory are
// interchangeable behind it.
type Store interface {
	// Load returns the record of lesson id, and whether there is one.
	Load(id string) (Record, bool)
	// Save replaces the record of lesson id. It must not block the
	// caller on a disk: a File writes in the background. Its error is a
	// warning to show once (an earlier write failed); the progress is
	// still kept for as long as the process lives.
	Save(id string, r Record) error
}

var (
	_ Store = (*File)(nil)
	_ Store = (*Memory)(nil)
)
