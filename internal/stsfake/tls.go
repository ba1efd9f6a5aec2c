package stsfake

import "crypto/tls"

// StartTLS listens on a random loopback port with HTTPS, serving cert (for
// 127.0.0.1), so tests can check how a client trusts an endpoint: a custom
// CA bundle, or a certificate it must refuse. URL is then https://....
func (s *Server) StartTLS(cert tls.Certificate) error {
	return s.startOn("127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
}
