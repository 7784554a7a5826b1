"""The running application without HTTP: settings, the wiring of its parts, the people
registry, the response cache and the pledge import."""
