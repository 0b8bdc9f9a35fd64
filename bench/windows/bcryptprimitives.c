/* For running Rubric's Windows unit tests under Wine only (bench/windows-tests.sh).
 * Rust's standard library draws its random numbers from ProcessPrng in
 * bcryptprimitives.dll, which Windows 10 and later have and Debian 12's Wine 8
 * lacks. This stand-in gives them from RtlGenRandom; the released binary loads
 * Windows' own DLL. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!RtlGenRandom(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
