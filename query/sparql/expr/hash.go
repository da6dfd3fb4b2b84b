package expr

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"hash"

	"github.com/kplane/kplane/graph/rdf"
)

// fnHash implements MD5, SHA1, SHA256, SHA384 and SHA512: the hash of the
// UTF-8 form of a simple literal, in lower-case hexadecimal.
func fnHash(op string, t rdf.Term) (rdf.Term, error) {
	if err := simpleStringArg(op, t); err != nil {
		return rdf.Term{}, err
	}
	var h hash.Hash
	switch op {
	case "MD5":
		h = md5.New()
	case "SHA1":
		h = sha1.New()
	case "SHA256":
		h = sha256.New()
	case "SHA384":
		h = sha512.New384()
	default:
		h = sha512.New()
	}
	h.Write([]byte(t.Value))
	return rdf.String(hex.EncodeToString(h.Sum(nil))), nil
}

// newUUID returns a random (version 4) UUID in its textual form.
func newUUID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// randomUint32 returns a random number from the system's secure source.
func randomUint32() uint32 {
	var b [4]byte
	rand.Read(b[:])
	return binary.LittleEndian.Uint32(b[:])
}
