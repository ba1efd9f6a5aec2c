// Command wintool is the Windows end of the wine end-to-end tests: it
// reads the screen as a Windows program sees it.
package main

func main() {}
