package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"strings"
	"time"
)

// serverCertificate is the TLS certificate the SDK endpoint presents. It is self-signed, so
// its PEM file doubles as the ca_file a client trusts.
type serverCertificate struct {
	tls tls.Certificate
	der []byte
}

// loadOrCreateCertificate loads the pair when both files exist, generates and writes it when
// neither does (so a restart can present the same one), and generates one in memory when no
// paths are given.
func loadOrCreateCertificate(certFile, keyFile string, validDays int) (serverCertificate, error) {
	if certFile == "" {
		return generateCertificate(validDays)
	}

	certExists, err := fileExists(certFile)
	if err != nil {
		return serverCertificate{}, err
	}
	keyExists, err := fileExists(keyFile)
	if err != nil {
		return serverCertificate{}, err
	}

	switch {
	case certExists && keyExists:
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return serverCertificate{}, fmt.Errorf("certificate %s: %w", certFile, err)
		}
		return serverCertificate{tls: pair, der: pair.Certificate[0]}, nil
	case certExists || keyExists:
		return serverCertificate{}, fmt.Errorf("only one of %s and %s exists", certFile, keyFile)
	}

	generated, err := generateCertificate(validDays)
	if err != nil {
		return serverCertificate{}, err
	}
	return generated, writePair(generated, certFile, keyFile)
}

func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return false, err
}

// generateCertificate makes an RSA 2048 certificate, like vCenter's, for 127.0.0.1 and
// localhost.
func generateCertificate(validDays int) (serverCertificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return serverCertificate{}, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return serverCertificate{}, fmt.Errorf("generate serial: %w", err)
	}

	now := time.Now()
	template := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			CommonName:   "localhost",
			Organization: []string{"vcsim test vCenter"},
		},
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.Add(time.Duration(validDays) * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment |
			x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // self-signed: it is its own trust anchor
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}

	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return serverCertificate{}, fmt.Errorf("create certificate: %w", err)
	}
	pair := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return serverCertificate{tls: pair, der: der}, nil
}

// writePair writes the key readable by its owner only, then the certificate, which is public.
func writePair(c serverCertificate, certFile, keyFile string) error {
	keyDER, err := x509.MarshalPKCS8PrivateKey(c.tls.PrivateKey)
	if err != nil {
		return fmt.Errorf("encode key: %w", err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if err := writeNewFile(keyFile, keyPEM, 0o600); err != nil {
		return err
	}

	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.der})
	return writeNewFile(certFile, certPEM, 0o644)
}

func writeNewFile(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// thumbprint is the colon-separated upper-case hex vCenter shows, e.g. "AB:12:...".
func thumbprint(sum []byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

func (c serverCertificate) thumbprintSHA256() string {
	sum := sha256.Sum256(c.der)
	return thumbprint(sum[:])
}

func (c serverCertificate) thumbprintSHA1() string {
	sum := sha1.Sum(c.der)
	return thumbprint(sum[:])
}
