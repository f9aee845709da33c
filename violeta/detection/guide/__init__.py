"""The public "¿Qué hago si…?" guide: the Violentómetro, a screening and next steps."""
