# certfleet's persistent driver in Perl (remote-shell.ts sends it with `perl -e`). Same wire format as
# the sh driver: "ID NLINES NBYTES\n", NLINES script lines, NBYTES of stdin; the job's end is
# "\x1eID RC\n" on stdout and "\x1eID\n" on stderr. A script is run by /bin/sh with the stdin bytes as
# its stdin, unless its first line is "#!certfleet OP": then OP runs here, in this process, with one
# argument per following line (%-escaped: %25 %0A %0D) — no fork, no exec; an op gets the stdin bytes
# first, then its arguments. The ops print exactly what the sh scripts they stand for print
# (files/stat.ts, files/write.ts), so the controller parses one format. A job cut short is never run.
# Only core Perl of the perl-base package; without Digest::SHA the `stat` op is not offered. Modules
# load on first use: the driver starts on every host of every run, and a first run hashes no file.
# (No `use strict` or `warnings` here, for the same reason: each costs a module load at every start;
# the tests compile this file with -Mstrict -Mwarnings.)

my $sha = grep { -f "$_/Digest/SHA.pm" } @INC;
binmode($_) for (*STDIN, *STDOUT, *STDERR);
select(STDERR); $| = 1; select(STDOUT); $| = 1;
my ($tmp, %user, %group);

sub uname { my $i = shift; $user{$i} //= getpwuid($i) // 'UNKNOWN' }
sub gname { my $i = shift; $group{$i} //= getgrgid($i) // 'UNKNOWN' }

# stat INTO HASH PATH...: as statScript() in files/stat.ts — per path seven NUL-terminated fields:
# path, type, mode, owner, group, "SHA256  -\n" (files, when HASH), link target + "\n" (links)
sub op_stat {
    my (undef, $into, $hash, @paths) = @_;
    for my $p (@paths) {
        if (length($into) && -d $p && !-l $p) { $p =~ s{/$}{}; $p .= "/$into" }
        print "$p\0";
        if (-l $p) { print "link\0\0\0\0\0", readlink($p), "\n\0"; next }
        my @s = stat($p);
        if (!@s) { print "absent\0\0\0\0\0\0"; next }
        my $head = sprintf("%o\0%s\0%s\0", $s[2] & 07777, uname($s[4]), gname($s[5]));
        if (-d _) { print "directory\0$head\0\0"; next }
        if (!-f _) { print "other\0\0\0\0\0\0"; next }
        print "file\0$head";
        if (length $hash) {
            my $f;
            if (!open($f, '<', $p)) { print STDERR "$p: $!\n"; return 2 }
            binmode($f);
            require Digest::SHA;
            my $d = Digest::SHA->new(256);
            $d->addfile($f);
            print $d->hexdigest, "  -\n";
        }
        print "\0\0";
    }
    return 0;
}

# "owner", "owner:group" or ":group" -> (uid, gid), -1 for "unchanged"; undef after an error
sub ids {
    my ($spec) = @_;
    my ($o, $g) = split(/:/, $spec, 2);
    my ($u, $gid) = (-1, -1);
    if (length $o) {
        $u = $o =~ /^\d+$/ ? $o : getpwnam($o);
        if (!defined $u) { print STDERR "chown: invalid user: '$spec'\n"; return }
    }
    if (length $g) {
        $gid = $g =~ /^\d+$/ ? $g : getgrnam($g);
        if (!defined $gid) { print STDERR "chown: invalid group: '$spec'\n"; return }
    }
    return ($u, $gid);
}

# write DEST MODE CHOWN KEEP RAND SIZE SHA256 (content on stdin): as writeFile() in files/write.ts; the
# temp file is renamed only when the bytes received are exactly the bytes sent
sub op_write {
    my ($in, $d, $mode, $own, $keep, $rand, $size, $sum) = @_;
    my $dir = '.';
    if ($d =~ m{^(.*)/}s) { $dir = length($1) ? $1 : '/' }
    if (!-d $dir) { print STDERR "destination directory $dir does not exist\n"; return 3 }
    my $t = "$dir/.certfleet.$rand.tmp";
    my $m = oct($mode);
    # created with its final permissions through the umask (a key is never readable by others)
    my $via = ($m & ~0666) == 0;
    my $old = umask($via ? ~$m & 0777 : 077);
    my $fh;
    require Fcntl;
    my $ok = sysopen($fh, $t, Fcntl::O_WRONLY() | Fcntl::O_CREAT() | Fcntl::O_EXCL(), 0666);
    umask($old);
    if (!$ok) { print STDERR "cannot create $t: $!\n"; return 2 }
    my ($off, $err) = (0, undef);
    while ($off < length($in)) {
        my $w = syswrite($fh, $in, length($in) - $off, $off);
        if (!$w) { $err = "$!"; last }
        $off += $w;
    }
    $err = "$!" if !defined($err) && !close($fh);
    my $fail = sub { unlink($t); print STDERR "$_[0]\n"; return $_[1] // 1 };
    return $fail->("cannot write $t: $err") if defined $err;
    my $short = "the content of $d arrived incomplete ($size bytes were sent): not written";
    return $fail->($short, 4) if length($in) != $size;
    if ($sha) { require Digest::SHA; return $fail->($short, 4) if Digest::SHA::sha256_hex($in) ne $sum }
    return $fail->("chmod $t: $!") if !$via && !chmod($m, $t);
    if (length $own) {
        my @id = ids($own) or return $fail->("cannot set the owner of $t");
        return $fail->("chown $t: $!") if !chown(@id, $t);
    }
    if (length $keep) {
        my @s = stat($d);
        if (!(@s && $s[4] == $> && $s[5] == (split(' ', $)))[0])) {
            my @id = ids($keep) or return $fail->("cannot set the owner of $t");
            return $fail->("chown $t: $!") if !chown(@id, $t);
        }
    }
    return $fail->("cannot rename $t to $d: $!") if !rename($t, $d);
    return 0;
}

# mkdir PATH MODE CHOWN: as `mkdir -p -- PATH`, then chown, then chmod, in modules/file.ts
sub op_mkdir {
    my (undef, $p, $mode, $own) = @_;
    my $at = $p =~ m{^/} ? '' : '.';
    for my $part (grep { length } split(m{/+}, $p)) {
        $at .= "/$part";
        next if -d $at;
        my $why = -e _ ? 'Not a directory' : mkdir($at, 0777) ? undef : "$!";
        $why = undef if defined($why) && -d $at; # made by someone else meanwhile
        if (defined $why) { print STDERR "mkdir: cannot create directory '$p': $why\n"; return 1 }
    }
    if (length $own) {
        my @id = ids($own) or return 1;
        if (!chown(@id, $p)) { print STDERR "chown: changing ownership of '$p': $!\n"; return 1 }
    }
    if (length($mode) && !chmod(oct($mode), $p)) { print STDERR "chmod: changing permissions of '$p': $!\n"; return 1 }
    return 0;
}

my %ops = (write => \&op_write, mkdir => \&op_mkdir, ($sha ? (stat => \&op_stat) : ()));

# a script: /bin/sh with the stdin bytes (through an unlinked temp file) as its stdin
sub run_sh {
    my ($script, $in) = @_;
    if (!$tmp) {
        if (!open($tmp, '+>', undef)) { print STDERR "certfleet driver: no temp file for stdin: $!\n"; return 126 }
        binmode($tmp);
    }
    truncate($tmp, 0);
    sysseek($tmp, 0, 0);
    syswrite($tmp, $in) if length $in;
    sysseek($tmp, 0, 0);
    my $pid = fork();
    if (!defined $pid) { print STDERR "certfleet driver: fork: $!\n"; return 126 }
    if (!$pid) {
        open(STDIN, "<&", $tmp) or exit 126;
        exec('/bin/sh', '-c', $script) or print STDERR "certfleet driver: cannot run /bin/sh: $!\n";
        exit 127;
    }
    waitpid($pid, 0);
    return $? & 127 ? 128 + ($? & 127) : $? >> 8;
}

# stdin is read with sysread only: a PerlIO buffer on it would be "given back" with an lseek on fd 0
# when a child replaces its stdin, moving the offset of the child's new stdin instead
my $buf = '';
sub more { sysread(STDIN, $buf, 65536, length($buf)) }
sub line {
    my $i;
    while (($i = index($buf, "\n")) < 0) { return undef if !more() }
    return substr($buf, 0, $i + 1, '');
}
sub bytes {
    my ($n) = @_;
    while (length($buf) < $n) { last if !more() }
    return substr($buf, 0, $n, '');
}

print "\x1fready $$ ", join(',', sort keys %ops), "\n";
while (defined(my $h = line())) {
    my ($id, $n, $len) = split(' ', $h);
    my @lines;
    # a job cut short (the connection lost mid-way) never runs: the controller sees the channel end
    for (1 .. $n) { my $l = line(); exit 1 if !defined $l; push(@lines, $l) }
    my $in = bytes($len);
    exit 1 if length($in) != $len;
    my $op = @lines && $lines[0] =~ /^#!certfleet (\w+)$/ ? $ops{$1} : undef;
    my $rc;
    if ($op) {
        my (undef, @args) = @lines;
        s/\n$//, s/%(25|0A|0D)/chr(hex($1))/ge for @args;
        $rc = $op->($in, @args);
    } else {
        $rc = run_sh(join('', @lines), $in);
    }
    print STDOUT "\x1e$id $rc\n";
    print STDERR "\x1e$id\n";
}
