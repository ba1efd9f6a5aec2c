/*
 * bcryptprimitives.dll for wine 8.0, which lacks it. Go's runtime (1.24 and
 * later) loads ProcessPrng from it at start-up and aborts without it. This
 * shim forwards to RtlGenRandom (advapi32's SystemFunction036), which wine
 * implements over the host's random source. Built by prefix.sh with
 * x86_64-w64-mingw32-gcc; used only in the test prefix, never shipped.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* ProcessPrng fills data with len random bytes; it always succeeds on
 * Windows, and so here unless the host's source fails. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

/* No C runtime: the entry point has nothing to set up. */
BOOL WINAPI DllMainCRTStartup(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
	return TRUE;
}
