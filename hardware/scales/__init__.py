"""Scale drivers (Mettler-Toledo 8217). Import submodules directly."""
