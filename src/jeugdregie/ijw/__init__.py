"""iJw 3.2: message definitions, code lists, safe XML reading and validation."""
