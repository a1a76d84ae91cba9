"""AES, the Automated Export System: export and re-export declarations at the customs office of export, the
anticipated export record sent to the customs office of exit in (possibly) another member state, the exit
there, and the certification of exit to the declarant (Art. 263–270 UCC, Art. 329–335 UCC IA)."""

SYSTEM = "export"
